namespace Emporium.Demo;

/// <summary>The demo's category list: marketplace-style names grouped by department, with a typical price (USD) per
/// department so generated prices differ by category as real ones do. Ids are 1-based positions.</summary>
public static class CategoryNames
{
    /// <summary>A department: its typical (median) price and its categories.</summary>
    public sealed record Department(string Name, double MedianPrice, string[] Categories);

    public static IReadOnlyList<Department> Departments { get; } =
    [
        new("Arts & Crafts", 14, [
            "Bead Kits & Jewelry Findings", "Fabric Paints & Dyes", "Yarn & Knitting Needles", "Needlework Supplies",
            "Painting Canvases & Boards", "Drawing Pencils & Charcoal", "Rubber Stamps & Ink Pads", "Sewing Notions",
            "Quilting Fabric", "Craft Glue & Adhesives", "Model Building Kits", "Pottery & Clay Tools", "Party Decorations",
            "Gift Wrap & Ribbons", "Calligraphy Pens"]),
        new("Automotive", 32, [
            "Car Care & Detailing", "Car Electronics", "Motorcycle Gear", "Interior Car Accessories", "Exterior Car Accessories",
            "Engine Oils & Fluids", "Replacement Parts", "Tires & Wheels", "Automotive Tools", "RV & Trailer Parts",
            "Car Lights & Bulbs", "Truck Bed Accessories"]),
        new("Baby", 24, [
            "Baby Strollers", "Car Seats", "Nursery Furniture", "Baby Feeding Bottles", "Diapers & Wipes", "Baby Bath Care",
            "Baby Monitors", "Teething Toys", "Baby Carriers", "Baby Safety Gates", "Baby Clothing Sets"]),
        new("Beauty & Personal Care", 16, [
            "Makeup Brushes", "Face Makeup", "Eye Makeup", "Lip Care", "Nail Polish & Care", "Skin Moisturizers",
            "Sunscreen", "Shampoo & Conditioner", "Hair Styling Tools", "Hair Color", "Fragrances for Women",
            "Fragrances for Men", "Shaving & Grooming", "Electric Toothbrushes", "Bath Bombs & Salts", "Foot & Hand Care"]),
        new("Electronics", 45, [
            "Wireless Earbuds", "Over-Ear Headphones", "Bluetooth Speakers", "Soundbars", "Streaming Media Players",
            "Televisions", "Digital Cameras", "Camera Lenses", "Tripods & Monopods", "Action Cameras", "Drones",
            "Smartwatches", "Fitness Trackers", "Phone Cases", "Phone Chargers & Cables", "Power Banks", "Tablets",
            "E-Readers", "Car Dash Cameras", "Home Security Cameras", "Smart Plugs", "Smart Lighting", "Portable Projectors"]),
        new("Computers", 38, [
            "Laptops", "Desktop Computers", "Computer Monitors", "Keyboards", "Computer Mice", "External Hard Drives",
            "USB Flash Drives", "Memory Cards", "Wi-Fi Routers", "Network Switches", "Printers", "Printer Ink & Toner",
            "Laptop Bags", "Webcams", "Graphics Cards", "Computer Cables & Adapters"]),
        new("Fashion", 28, [
            "Women's Dresses", "Women's Tops & Blouses", "Women's Jeans", "Women's Handbags", "Women's Jewelry",
            "Women's Watches", "Women's Sneakers", "Women's Boots", "Women's Sandals", "Women's Activewear",
            "Men's Shirts", "Men's Jeans", "Men's Jackets & Coats", "Men's Wallets", "Men's Watches", "Men's Sneakers",
            "Men's Dress Shoes", "Men's Underwear", "Girls' Clothing", "Boys' Clothing", "Kids' Shoes", "Sunglasses",
            "Hats & Caps", "Scarves & Wraps", "Belts", "Socks & Hosiery"]),
        new("Health & Household", 15, [
            "Vitamins & Minerals", "Protein Powders", "Sports Nutrition Bars", "Herbal Supplements", "First Aid Supplies",
            "Blood Pressure Monitors", "Thermometers", "Pain Relief", "Cold & Flu Care", "Laundry Detergent",
            "Household Cleaners", "Paper Towels & Tissues", "Trash Bags", "Air Fresheners", "Batteries"]),
        new("Home & Kitchen", 34, [
            "Bed Sheets", "Comforters & Duvets", "Pillows", "Mattress Toppers", "Bath Towels", "Shower Curtains",
            "Curtains & Drapes", "Area Rugs", "Throw Blankets", "Wall Art", "Picture Frames", "Candles & Holders",
            "Storage Bins & Baskets", "Closet Organizers", "Cookware Sets", "Frying Pans", "Kitchen Knives",
            "Cutting Boards", "Bakeware", "Food Storage Containers", "Coffee Makers", "Espresso Machines", "Blenders",
            "Air Fryers", "Toasters", "Electric Kettles", "Dinnerware Sets", "Drinkware & Tumblers", "Vacuum Cleaners",
            "Air Purifiers", "Humidifiers", "Space Heaters", "Fans", "Living Room Furniture", "Bedroom Furniture",
            "Office Chairs", "Desks", "Bookcases", "Lamps & Lighting"]),
        new("Tools & Home Improvement", 36, [
            "Power Drills", "Saws", "Hand Tools", "Tool Storage", "Measuring Tools", "Sealants & Lubricants",
            "Electrical Wiring", "Light Switches & Outlets", "Plumbing Fixtures", "Faucets", "Door Locks & Hardware",
            "Paint & Painting Supplies", "Ladders", "Safety Glasses & Gloves", "Welding Equipment"]),
        new("Sports & Outdoors", 30, [
            "Camping Tents", "Sleeping Bags", "Hiking Backpacks", "Water Bottles", "Fishing Rods & Reels", "Bicycles",
            "Cycling Accessories", "Yoga Mats", "Dumbbells & Weights", "Exercise Bikes", "Treadmills", "Running Shoes",
            "Swimwear", "Golf Equipment", "Tennis Rackets", "Soccer Balls", "Basketballs", "Skateboards", "Camping Stoves",
            "Coolers"]),
        new("Toys & Games", 22, [
            "Building Blocks", "Action Figures", "Dolls & Accessories", "Board Games", "Jigsaw Puzzles", "Card Games",
            "Remote Control Cars", "Educational Toys", "Stuffed Animals", "Outdoor Play Equipment", "Toy Vehicles",
            "Arts & Crafts for Kids", "Pretend Play", "Baby & Toddler Toys"]),
        new("Luggage & Travel", 85, [
            "Suitcases", "Carry-On Luggage", "Luggage Sets", "Travel Duffel Bags", "Travel Backpacks", "Garment Bags",
            "Travel Accessories", "Packing Cubes"]),
        new("Pet Supplies", 19, [
            "Dog Food", "Cat Food", "Dog Toys", "Cat Toys", "Dog Beds", "Cat Litter", "Pet Grooming", "Aquarium Supplies",
            "Bird Supplies", "Pet Collars & Leashes"]),
        new("Office Products", 12, [
            "Notebooks & Journals", "Pens & Markers", "Desk Organizers", "Labels & Stickers", "Printer Paper",
            "Binders & Folders", "Calendars & Planners", "Shipping Supplies"]),
        new("Grocery & Gourmet", 11, [
            "Coffee Beans", "Tea", "Snack Bars", "Chips & Crisps", "Chocolate & Candy", "Spices & Seasonings",
            "Pasta & Noodles", "Canned Meals", "Breakfast Cereal", "Nuts & Seeds"]),
        new("Garden & Outdoor", 29, [
            "Garden Hoses", "Lawn Mowers", "Gardening Tools", "Planters & Pots", "Seeds & Bulbs", "Outdoor Furniture",
            "Grills & Smokers", "Outdoor Lighting", "Bird Feeders", "Patio Umbrellas"]),
        new("Musical Instruments", 60, [
            "Acoustic Guitars", "Electric Guitars", "Guitar Strings", "Keyboards & Pianos", "Drums & Percussion",
            "Microphones", "Studio Headphones", "Audio Interfaces", "Ukuleles", "DJ Equipment"]),
        new("Video Games", 40, [
            "Game Consoles", "Console Controllers", "Gaming Headsets", "Gaming Keyboards", "Gaming Mice", "PC Games",
            "Console Games", "Gaming Chairs"]),
    ];

    /// <summary>Every category with its id, department and typical price, in id order.</summary>
    public static IReadOnlyList<(long Id, string Name, double MedianPrice)> All { get; } = Flatten();

    private static List<(long, string, double)> Flatten()
    {
        var all = new List<(long, string, double)>();
        foreach (var department in Departments)
        {
            foreach (var name in department.Categories)
            {
                all.Add((all.Count + 1, name, department.MedianPrice));
            }
        }
        return all;
    }
}
